# Shared by scripts/run and scripts/test (sourced, not run): installs the Debian packages
# Steppe needs when they are missing, then configures and builds into $BUILD_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
# The steppe Python package (scripts/steppe/) importable by the scripts run from here.
export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
BUILD_TYPE="${BUILD_TYPE:-Release}"
JOBS="${JOBS:-$(nproc)}"

PACKAGES=(
  build-essential cmake git pkg-config
  libsundials-dev libeigen3-dev libhdf5-dev hdf5-tools libyaml-cpp-dev catch2
  libcli11-dev libfmt-dev libpugixml-dev libdeflate-dev libopenmpi-dev openmpi-bin
  python3-h5py python3-numpy python3-matplotlib python3-xarray python3-h5netcdf
  python3-pandas python3-pytest python3-yaml
  slurmctld slurmd slurm-client munge
  chromium
)

install_missing_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "steppe: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure_and_build() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
    -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS"
}
