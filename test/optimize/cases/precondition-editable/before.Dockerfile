FROM python:3.12
WORKDIR /src
COPY . .
RUN pip install -e .
CMD ["python", "-m", "mytool"]
