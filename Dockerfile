# Deskmate service image (CPU). Build: docker build -t deskmate .   Run: docker run -p 8000:8000 deskmate
#
# Two stages: `export` installs torch and exports the embedder to ONNX int8 (the build step, `deskmate export-onnx`);
# the runtime stage installs the project without torch (ONNX Runtime serves the export) and copies the export in.

FROM python:3.11-slim AS export
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Same pins as `make install`: the CPU build of torch 2.13.0 first, then the project with constraints.txt.
COPY constraints.txt pyproject.toml README.md ./
RUN pip install -c constraints.txt --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY service ./service
COPY models ./models
COPY index ./index
COPY scripts ./scripts
COPY config ./config
RUN pip install -c constraints.txt -e ".[export]" && deskmate export-onnx --out /export/onnx

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DESKMATE_HOST=0.0.0.0 DESKMATE_PORT=8000 DESKMATE_DATA_DIR=/data \
    DESKMATE_EMBEDDER__ONNX_DIR=/opt/deskmate/onnx
WORKDIR /app
COPY constraints.txt pyproject.toml README.md ./
COPY service ./service
COPY models ./models
COPY index ./index
COPY scripts ./scripts
COPY config ./config
COPY data/demo ./data/demo
# The serving install: no torch, transformers or sentence-transformers (the build fails if one sneaks in).
RUN pip install -c constraints.txt -e . \
    && python -c "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) for m in ('torch', 'transformers')))" \
    && useradd --create-home deskmate && mkdir -p /data && chown deskmate /data
COPY --from=export /export/onnx /opt/deskmate/onnx
USER deskmate
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=120s CMD python -c \
    "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
# Trains on the demo data on first start (kept in /data; the default heads need no torch), then serves. Mount your
# own model with DESKMATE_MODEL_DIR and run `deskmate serve` instead.
CMD ["deskmate", "demo"]
