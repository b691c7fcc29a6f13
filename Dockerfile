# Build a static binary, then ship it alone in an empty image, running as a non-root user.
# The Go release is pinned: scripts/vulncheck checks the standard library of this one.
FROM golang:1.26.10-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/qamqor ./cmd/qamqor

FROM scratch
# CA certificates for HTTPS to the Telegram Bot API.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/qamqor /qamqor
USER 65532:65532
ENTRYPOINT ["/qamqor"]
CMD ["serve"]
