#!/usr/bin/env bash
# Installs neuronscope into ./.venv on a fresh machine; safe to run again.
#   bash scripts/setup.sh          runtime only
#   bash scripts/setup.sh --dev    plus test tools and the headless browser the tests drive
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[[ "${1:-}" == "--dev" ]] && dev=1

python=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check -q)

# The pinned CPU wheel first: an unpinned torch pulled in by a dependency would be a multi-GB CUDA build.
"${pip[@]}" install torch==2.13.0

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  as_root apt-get update -qq >/dev/null 2>&1 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Fashion-MNIST's full 60,000 + 10,000 images, which Debian ships; optional, so a failure only warns.
if [[ ! -d /usr/share/datasets/fashion-mnist ]]; then
  apt_install dataset-fashion-mnist || echo "note: Fashion-MNIST not installed (apt-get unavailable); MNIST and digits still work" >&2
fi

if (( dev )); then
  "${pip[@]}" install -e ".[dev]"
  if [[ ! -x /usr/bin/chromium ]]; then
    apt_install chromium || echo "note: chromium not installed; browser tests will be skipped" >&2
  fi
else
  "${pip[@]}" install -e .
fi
echo "neuronscope is installed in .venv"
