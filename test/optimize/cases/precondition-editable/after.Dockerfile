FROM python:3.12
ENV PYTHONUNBUFFERED=1 PYTHONFAULTHANDLER=1
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir -e .
CMD ["python", "-m", "mytool"]
