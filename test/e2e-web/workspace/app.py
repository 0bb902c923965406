"""A tiny Flask app: the e2e tests only need a Python project next to the Dockerfile."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "hello"
