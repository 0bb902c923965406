FROM python:3.7.6
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /srv
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python -m compileall -q .
USER 10001:10001
CMD ["python", "-m", "worker"]
