# SYNTAX TEST "source.dockerfile" "an unknown directive is a comment and ends the directives"
# syntax=docker/dockerfile:1.7
# ^^^^^^ keyword.other.directive.dockerfile
# platform=linux/amd64
# ^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.directives.dockerfile keyword.other.directive.dockerfile
# escape=`
# ^^^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile
FROM python:3.12-slim-bookworm
