# SYNTAX TEST "source.dockerfile" "a pragma right below a directive; a directive line with no value"
# escape=`
#        ^ string.unquoted.directive-value.dockerfile
# pydockerfile ignore=PYD201
# ^^^^^^^^^^^^ keyword.other.pragma.pydockerfile - meta.directives.dockerfile
#                     ^^^^^^ constant.language.rule-code.pydockerfile
RUN pip install flask==3.0.3 `
    gunicorn==22.0.0
