FROM python:3.11-bookworm
WORKDIR /opt/service
RUN pip install --no-cache-dir "poetry==1.8.3" "poetry-plugin-export==1.8.0"
COPY pyproject.toml poetry.lock ./
RUN poetry export -f requirements.txt --output requirements.txt \
 && pip install --no-cache-dir --no-deps -r requirements.txt
COPY service/ ./service/
CMD ["python", "-m", "service"]
