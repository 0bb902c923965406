# SYNTAX TEST "source.dockerfile" "`# syntax=` with nothing after it is not a directive"
# syntax=
# ^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile meta.directives.dockerfile
FROM python:3.12-slim-bookworm
