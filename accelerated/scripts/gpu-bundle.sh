#!/usr/bin/env bash
# Packs what an NVIDIA GPU machine without internet, Maven or a JDK needs to run the twin's differential checks and
# benchmarks: a jlink'ed JRE, the jars (the command line's included), the ocl-icd OpenCL loader (libOpenCL.so.1) and
# a one-line NVIDIA ICD file, plus run.sh (differential checks, then TwinBenchmark) and prefdyn (the command line:
# `gpu-bundle/prefdyn bench --engine accelerated ...`). The driver's libnvidia-opencl.so.1 must be on the GPU
# machine (the NVIDIA container toolkit mounts it). The .tgz is what travels (the limit is on it); bench/gpu-session.sh
# unpacks it and runs the whole GPU session (docs/benchmarks.md, "The GPU session, prepared").
#
#   accelerated/scripts/gpu-bundle.sh [output-dir]     # default: accelerated/target/gpu-bundle (+ .tgz beside it)
#
# Then, on the GPU machine:   tar xzf gpu-bundle.tgz && gpu-bundle/run.sh
# To try it on PoCL here:     OCL_ICD_VENDORS=/etc/OpenCL/vendors/pocl.icd accelerated/target/gpu-bundle/run.sh
# Needs: a JDK >= 21 with jlink (JAVA_HOME), and libOpenCL.so.1 installed (ocl-icd-libopencl1) or apt-get to fetch it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-accelerated/target/gpu-bundle}")
limit_mib=64
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[ -x "$java_home/bin/jlink" ] || { echo "error: no jlink in JAVA_HOME=$java_home" >&2; exit 1; }

echo "bundle: building the jars"
rm -rf "$out" "$out.tgz"
mkdir -p "$out/jars" "$out/lib"
./mvnw -q -B -ntp -pl cli -am package dependency:copy-dependencies -DskipTests -DincludeScope=runtime \
    -DexcludeGroupIds=io.github.prefdyn -DoutputDirectory="$out/jars"
cp reference/target/prefdyn-reference-*.jar accelerated/target/prefdyn-accelerated-*.jar \
    datasets/target/prefdyn-datasets-*.jar cli/target/prefdyn-cli.jar "$out/jars/"

# aparapi-jni carries natives for every OS (19 MB); keep the linux x86_64 library only.
jni=$(ls "$out"/jars/aparapi-jni-*.jar)
work=$(mktemp -d)
(cd "$work" && unzip -q "$jni" && find linux osx win -type f ! -path 'linux/libaparapi_x86_64.so' -delete)
rm "$jni"
(cd "$work" && "$java_home/bin/jar" --create --file "$jni" --manifest META-INF/MANIFEST.MF -C . com -C . linux)
rm -rf "$work"

# java.desktop (AWT, for XChart's plots) is left out: the benchmarks draw nothing, and it would add 18 MB.
# jdk.management gives the command line the load average it records beside every benchmark.
echo "bundle: jlink'ing a JRE (java.base, java.logging, jdk.management, jdk.unsupported)"
"$java_home/bin/jlink" --add-modules java.base,java.logging,jdk.management,jdk.unsupported --strip-debug \
    --no-header-files --no-man-pages --compress=zip-9 --output "$out/jre"

echo "bundle: the OpenCL ICD loader and the NVIDIA ICD file"
loader=/usr/lib/x86_64-linux-gnu/libOpenCL.so.1
if [ ! -e "$loader" ]; then
  work=$(mktemp -d)
  (cd "$work" && apt-get download ocl-icd-libopencl1 >/dev/null && dpkg-deb -x ocl-icd-libopencl1_*.deb x)
  loader=$(ls "$work"/x/usr/lib/x86_64-linux-gnu/libOpenCL.so.1)
fi
cp -L "$loader" "$out/lib/libOpenCL.so.1"
ln -s libOpenCL.so.1 "$out/lib/libOpenCL.so"
echo "libnvidia-opencl.so.1" > "$out/nvidia.icd"

cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the twin's differential checks, then its benchmark, on the OpenCL device the ICD file names (NVIDIA by
# default; set OCL_ICD_VENDORS to another .icd file to choose another). Exit status: that of the checks.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-$here/nvidia.icd}
export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
java=("$here/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/jars/*")
echo "run: OCL_ICD_VENDORS=$OCL_ICD_VENDORS"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L
if [ "$OCL_ICD_VENDORS" = "$here/nvidia.icd" ] && ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-opencl.so.1'; then
  echo "run: libnvidia-opencl.so.1 is not in the linker cache: the NVIDIA OpenCL platform will not be found"
fi
"${java[@]}" prefdyn.accelerated.check.DifferentialCheck
status=$?
echo "run: differential checks exited with $status"
"${java[@]}" prefdyn.cli.bench.TwinBenchmark "${BENCH_BATCH:-8}" "${BENCH_REPEATS:-15}"
exit $status
RUN
chmod +x "$out/run.sh"

cat > "$out/prefdyn" <<'PREFDYN'
#!/usr/bin/env bash
# The prefdyn command line on the bundled JRE, with the bundle's OpenCL loader and ICD file (NVIDIA by default; set
# OCL_ICD_VENDORS to another .icd file to choose another). Commands that draw plots (demo, report, reproduce) need
# the java.desktop module, which this JRE leaves out; bench, grad, train and analyze do not.
here=$(cd "$(dirname "$0")" && pwd)
export OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-$here/nvidia.icd}
export LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# shellcheck disable=SC2086
exec "$here/jre/bin/java" -Djava.awt.headless=true --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
    -cp "$here/jars/*" prefdyn.cli.Main "$@"
PREFDYN
chmod +x "$out/prefdyn"

tar -C "$(dirname "$out")" -czf "$out.tgz" "$(basename "$out")"
disk_kib=$(du -sk "$out" | cut -f1)
tgz_bytes=$(stat -c %s "$out.tgz")
printf 'bundle: %s: %.1f MiB on disk, %s.tgz: %.1f MiB\n' "$out" "$(echo "$disk_kib / 1024" | bc -l)" "$out" \
    "$(echo "$tgz_bytes / 1048576" | bc -l)"
if [ "$tgz_bytes" -gt $((limit_mib * 1024 * 1024)) ]; then
  echo "error: the bundle is over $limit_mib MiB" >&2
  exit 1
fi
