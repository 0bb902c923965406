FROM python:3.12
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENTRYPOINT ["./start.sh"]
