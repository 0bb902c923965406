# SYNTAX TEST "source.dockerfile" "parser directives at the top of the file"
# syntax=docker/dockerfile:1.7
# <- meta.directives.dockerfile comment.line.number-sign.dockerfile meta.directive.dockerfile punctuation.definition.comment.dockerfile
# ^^^^^^ meta.directives.dockerfile meta.directive.dockerfile keyword.other.directive.dockerfile
#       ^ keyword.operator.assignment.dockerfile
#        ^^^^^^^^^^^^^^^^^^^^^ string.unquoted.directive-value.dockerfile
#  ESCAPE = `
#^^ meta.directives.dockerfile comment.line.number-sign.dockerfile
#  ^^^^^^ keyword.other.directive.dockerfile
#         ^ keyword.operator.assignment.dockerfile
#           ^ string.unquoted.directive-value.dockerfile
# check=skip=JSONArgsRecommended
# ^^^^^ keyword.other.directive.dockerfile
#      ^ keyword.operator.assignment.dockerfile
#       ^^^^^^^^^^^^^^^^^^^^^^^^ string.unquoted.directive-value.dockerfile
# pydockerfile global ignore=PYD102
# <- comment.line.number-sign.dockerfile - meta.directives.dockerfile
# ^^^^^^^^^^^^ keyword.other.pragma.pydockerfile - keyword.other.directive.dockerfile
# escape=\
# ^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile meta.directives.dockerfile
FROM python:3.12-slim-bookworm
# <---- keyword.other.special-method.dockerfile - meta.directives.dockerfile
# syntax=docker/dockerfile:1
# ^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile
