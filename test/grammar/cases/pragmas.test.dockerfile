# SYNTAX TEST "source.dockerfile" "ignore pragmas: keyword, modifier, codes, unknown codes"
FROM python:3.12-slim-bookworm
# pydockerfile ignore=PYD201
# <- comment.line.number-sign.dockerfile meta.pragma.ignore.pydockerfile punctuation.definition.comment.dockerfile
# ^^^^^^^^^^^^ comment.line.number-sign.dockerfile meta.pragma.ignore.pydockerfile keyword.other.pragma.pydockerfile
#              ^^^^^^ keyword.control.ignore.pydockerfile
#                    ^ keyword.operator.assignment.pydockerfile
#                     ^^^^^^ meta.pragma.ignore.pydockerfile constant.language.rule-code.pydockerfile
RUN pip install flask==3.0.3
# <--- keyword.other.special-method.dockerfile - meta.pragma.ignore.pydockerfile

# pydockerfile global ignore=PYD102, PYD301,ALL
# ^^^^^^^^^^^^ keyword.other.pragma.pydockerfile
#              ^^^^^^ storage.modifier.global.pydockerfile
#                     ^^^^^^ keyword.control.ignore.pydockerfile
#                           ^ keyword.operator.assignment.pydockerfile
#                            ^^^^^^ constant.language.rule-code.pydockerfile
#                                  ^ punctuation.separator.comma.pydockerfile
#                                   ^ meta.pragma.ignore.pydockerfile - constant.language.rule-code.pydockerfile invalid.illegal.unknown-code.pydockerfile
#                                    ^^^^^^ constant.language.rule-code.pydockerfile
#                                          ^ punctuation.separator.comma.pydockerfile
#                                           ^^^ constant.language.rule-code.pydockerfile

#PYDOCKERFILE IGNORE = pyd201 PYD202
#^^^^^^^^^^^^ keyword.other.pragma.pydockerfile
#             ^^^^^^ keyword.control.ignore.pydockerfile
#                    ^ keyword.operator.assignment.pydockerfile
#                      ^^^^^^ constant.language.rule-code.pydockerfile
#                             ^^^^^^ constant.language.rule-code.pydockerfile

    # pydockerfile ignore=PYD201
# <---- punctuation.whitespace.comment.leading.dockerfile - keyword.other.pragma.pydockerfile
#   ^ punctuation.definition.comment.dockerfile
#     ^^^^^^^^^^^^ keyword.other.pragma.pydockerfile
#                         ^^^^^^ constant.language.rule-code.pydockerfile

# pydockerfile ignore=PYD201,DL3008,pipcache,PYD20,PYD2011
#                     ^^^^^^ constant.language.rule-code.pydockerfile
#                            ^^^^^^ meta.pragma.ignore.pydockerfile invalid.illegal.unknown-code.pydockerfile
#                                   ^^^^^^^^ invalid.illegal.unknown-code.pydockerfile
#                                            ^^^^^ invalid.illegal.unknown-code.pydockerfile
#                                                  ^^^^^^^ invalid.illegal.unknown-code.pydockerfile

# hadolint ignore=DL3008,SC2086
# ^^^^^^^^ meta.pragma.ignore.pydockerfile keyword.other.pragma.pydockerfile
#          ^^^^^^ keyword.control.ignore.pydockerfile
#                 ^^^^^^ constant.language.rule-code.pydockerfile
#                       ^ punctuation.separator.comma.pydockerfile
#                        ^^^^^^ constant.language.rule-code.pydockerfile
RUN apt-get update && apt-get install -y curl

# hadolint global ignore=DL3008,PYD201
#          ^^^^^^ storage.modifier.global.pydockerfile
#                        ^^^^^^ constant.language.rule-code.pydockerfile
#                               ^^^^^^ invalid.illegal.unknown-code.pydockerfile

# Not pragmas: the server ignores these lines, so they stay plain comments.
# pydockerfile ignore=
# ^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.pragma.ignore.pydockerfile keyword.other.pragma.pydockerfile
# pydockerfile ignore=pip-cache
# ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.pragma.ignore.pydockerfile invalid.illegal.unknown-code.pydockerfile
# pydockerfile ignore=PYD201 # because of the proxy
# ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.pragma.ignore.pydockerfile constant.language.rule-code.pydockerfile
# pydockerfile: ignore=PYD201
# ^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.pragma.pydockerfile
# pydockerfileignore=PYD201
# ^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.pragma.pydockerfile
# ruff: noqa ignore=PYD201
# ^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.pragma.ignore.pydockerfile

# A `#` after an instruction is argument text in a Dockerfile, never a comment or a pragma.
RUN echo hi # pydockerfile ignore=PYD201
#           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ - comment.line.number-sign.dockerfile meta.pragma.ignore.pydockerfile keyword.other.pragma.pydockerfile

# Inside a quoted string the base grammar opened on an earlier line, the injection stays out.
RUN python -c "import sys; \
# pydockerfile ignore=PYD201
# <- string.quoted.double.dockerfile - meta.pragma.ignore.pydockerfile
# ^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.dockerfile - keyword.other.pragma.pydockerfile constant.language.rule-code.pydockerfile
print(sys.version)"
# pydockerfile ignore=PYD201
# ^^^^^^^^^^^^ keyword.other.pragma.pydockerfile - string.quoted.double.dockerfile
