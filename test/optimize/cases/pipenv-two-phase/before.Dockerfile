FROM python:3.12-bookworm
WORKDIR /code
COPY . .
RUN pip install --no-cache-dir pipenv==2024.0.1 && pipenv sync --system
CMD ["python", "-m", "service"]
