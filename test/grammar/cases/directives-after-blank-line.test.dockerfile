# SYNTAX TEST "source.dockerfile" "a blank first line means there are no parser directives"

# syntax=docker/dockerfile:1.7
# ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.directives.dockerfile keyword.other.directive.dockerfile
FROM python:3.12-slim-bookworm
