"""A tiny Flask service used to demonstrate pydockerfile on a realistic Dockerfile."""
from pathlib import Path

from flask import Flask, jsonify, send_from_directory

DOCS_DIR = Path(__file__).parent / "static" / "docs"

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(message="hello from the flask example")


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/docs/")
@app.get("/docs/<path:name>")
def docs(name="index.html"):
    return send_from_directory(DOCS_DIR, name)
