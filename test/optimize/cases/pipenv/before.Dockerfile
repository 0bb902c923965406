FROM python:3.12-bookworm
WORKDIR /code
COPY Pipfile Pipfile.lock ./
RUN pip install --no-cache-dir pipenv==2024.0.1 && pipenv install --system --deploy
COPY . .
CMD pipenv run python -m service
