FROM python:3.12-bookworm

# Poetry itself, pinned
RUN pip install --no-cache-dir poetry==1.8.3
ENV POETRY_VIRTUALENVS_CREATE=false

WORKDIR /srv/shop
COPY . .
# Dependencies and the shop package (its `shop-api` console script)
RUN poetry install --only main --no-interaction

EXPOSE 8000
CMD ["shop-api", "--port", "8000"]
