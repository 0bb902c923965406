#!/bin/sh
# migrate, then hand over to the command
python manage.py migrate --noinput
"$@"
