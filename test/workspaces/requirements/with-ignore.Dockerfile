FROM python:3.12-slim-bookworm
WORKDIR /app
COPY requirements.txt ./
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "-m", "shop"]
