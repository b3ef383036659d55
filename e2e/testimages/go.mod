module braid.dev/testimages

go 1.24
