# Flask service behind gunicorn
FROM python:3.12

WORKDIR /srv/app

# Application code and its dependencies
COPY . .
RUN pip install -r requirements.txt

ENV FLASK_APP web
EXPOSE 8080
CMD gunicorn web:app --bind 0.0.0.0:8080 --workers 4
