# lbdeploy: multi-stage image on Debian 12.
# The build stage uses the same scripts as the README and CI (scripts/install-deps
# and scripts/build), so the native CI run exercises these exact steps.

FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps scripts/install-deps
RUN ./scripts/install-deps build
COPY . .
# The build context has no .git (see .dockerignore): pass the version in with
#   docker build --build-arg GIT_DESCRIBE="$(git describe --always --dirty --tags)" .
ARG GIT_DESCRIBE=unknown
RUN ./scripts/build -DLBDEPLOY_GIT_DESCRIBE="$GIT_DESCRIBE" && ctest --test-dir build -L unit --output-on-failure

FROM debian:bookworm AS runtime
# Runtime libraries only: no compilers, no -dev packages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libgit2-1.5 libssh-4 libyaml-cpp0.7 libsqlite3-0 libfmt9 libssl3 \
      ca-certificates openssh-client curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /var/lib/lbdeploy --create-home --shell /usr/sbin/nologin lbdeploy \
 && mkdir -p /etc/lbdeploy && chown lbdeploy:lbdeploy /etc/lbdeploy
COPY --from=build /src/build/cli/lbdeploy /usr/local/bin/lbdeploy
COPY examples/lbdeploy.yaml /etc/lbdeploy/lbdeploy.example.yaml
USER lbdeploy
VOLUME ["/var/lib/lbdeploy"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/lbdeploy"]
# Mount the configuration (and its token/key files) under /etc/lbdeploy; the
# listen address is overridden so the published port reaches the server.
CMD ["serve", "-c", "/etc/lbdeploy/lbdeploy.yaml", "--listen", "0.0.0.0:8080"]
