# syntax=docker/dockerfile:1
# Build a static binary (no cgo: the embedded SQLite is pure Go) and run it
# as a non-root user with the SQLite file on a volume.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/firstask .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/firstask /usr/local/bin/firstask
WORKDIR /data
VOLUME ["/data"]
ENV FIRSTASK_DB=sqlite:/data/firstask.db \
    FIRSTASK_LISTEN=:8080 \
    FIRSTASK_LOG_FORMAT=json
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/firstask", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/firstask"]
CMD ["serve"]
