#!/bin/sh
set -e
exec flask --app shop run --host 0.0.0.0
