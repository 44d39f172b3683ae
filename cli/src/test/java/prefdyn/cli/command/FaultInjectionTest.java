package prefdyn.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prefdyn.cli.Main;
import prefdyn.cli.run.RunDirectory;
import prefdyn.reference.checkpoint.AtomicFile;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.checkpoint.LoadedCheckpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault-injection suite behind the README's table "What prefdyn promises about files": every case starts the
 * real command line as a child process (the JVM running this test, on its class path) and checks the exit status,
 * the one-line error and what is left on disk: two runs racing for one directory, {@code --force} against a live run,
 * a foreign folder and an input, outputs equal to inputs, refusals that must leave nothing, NaN and oversized
 * checkpoints, unreadable, FIFO and directory inputs, a full disk (a small tmpfs in a user namespace, where the
 * machine allows one), and {@code kill -9} at several moments followed by {@code --resume}, which must give the
 * uninterrupted run's bytes.
 */
class FaultInjectionTest {

    @TempDir
    Path dir;

    /** One finished child process. */
    record Outcome(int code, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(line -> !line.isBlank() && !line.startsWith("WARNING")).toList();
        }
    }

    private static List<String> javaCommand(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Arrays.asList(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        return command;
    }

    private Process start(List<String> jvmOptions, String... args) throws IOException {
        List<String> command = javaCommand(jvmOptions.toArray(String[]::new));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectOutput(Files.createTempFile(dir, "out", ".txt").toFile());
        builder.redirectError(Files.createTempFile(dir, "err", ".txt").toFile());
        return builder.start();
    }

    private Outcome finish(Process process, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) throws Exception {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the child ended in time").isTrue();
        return new Outcome(process.exitValue(), Files.readString(out.file().toPath()),
                Files.readString(err.file().toPath()));
    }

    private Outcome run(String... args) throws Exception {
        return run(List.of(), args);
    }

    private Outcome run(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = javaCommand(jvmOptions.toArray(String[]::new));
        command.addAll(Arrays.asList(args));
        return runCommand(command);
    }

    private Outcome runCommand(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile());
        builder.redirectError(err.toFile());
        Process process = builder.start();
        return finish(process, builder.redirectOutput(), builder.redirectError());
    }

    private static String[] train(Path checkpoint, Path pairs, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--objective", "dpo", "--checkpoint",
                checkpoint.toString(), "--pairs", pairs.toString(), "--heldout-pairs", pairs.toString(),
                "--out", out.toString(), "--quiet"));
        args.addAll(Arrays.asList(more));
        for (String[] option : new String[][] {{"--steps", "6"}, {"--threads", "1"}, {"--batch", "2"}}) {
            if (!args.contains(option[0])) {
                args.addAll(List.of(option));
            }
        }
        return args.toArray(String[]::new);
    }

    private static void assertOneLineError(Outcome outcome, String... fragments) {
        assertThat(outcome.code()).as(outcome.err()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(outcome.errorLines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.errorLines().get(0)).contains(fragments).doesNotContain("Exception", "internal error");
    }

    @Test
    void twoRunsRacingForOneDirectoryNeverMix() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        for (int trial = 0; trial < 3; trial++) {
            Path out = dir.resolve("race-" + trial);
            Process first = start(List.of(), train(checkpoint, pairs, out, "--lr", "1e-3"));
            Process second = start(List.of(), train(checkpoint, pairs, out, "--lr", "1e-4"));
            first.waitFor(120, TimeUnit.SECONDS);
            second.waitFor(120, TimeUnit.SECONDS);
            int[] codes = {first.exitValue(), second.exitValue()};
            assertThat(codes).as("exactly one run wins trial " + trial).containsExactlyInAnyOrder(0, 1);
            String lr = codes[0] == 0 ? "0.001" : "1.0E-4";
            assertThat(Files.readString(out.resolve("config.json"))).contains("\"learning_rate\": " + lr);
            List<String> steps = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                    .map(line -> line.substring(0, line.indexOf(','))).toList();
            assertThat(steps).containsExactly("{\"step\":0", "{\"step\":1", "{\"step\":2", "{\"step\":3",
                    "{\"step\":4", "{\"step\":5");
        }
    }

    @Test
    void forceNeverTouchesALiveRunAForeignFolderOrAnInput() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path live = dir.resolve("live");
        // a slow run: every write pauses, so it is surely still running when the second command comes
        Process running = start(List.of("-D" + AtomicFile.PAUSE_PROPERTY + "=300"),
                train(checkpoint, pairs, live, "--checkpoint-every", "1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(live.resolve(RunDirectory.MARKER)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Outcome refused = run(train(checkpoint, pairs, live, "--force"));
        assertOneLineError(refused, live.toString(), "is in use by `prefdyn train", "PID " + running.pid());
        assertThat(running.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(running.exitValue()).isZero();
        assertThat(Files.readAllLines(live.resolve("metrics.jsonl"))).hasSize(6);

        Path foreign = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        Files.writeString(foreign.resolve("config.json"), "{}");
        assertOneLineError(run(train(checkpoint, pairs, foreign, "--force")), "not a prefdyn run directory");
        assertThat(foreign.resolve("notes.txt")).hasContent("mine");
        try (Stream<Path> entries = Files.list(foreign)) {
            assertThat(entries.count()).as("nothing added to a foreign folder").isEqualTo(2);
        }

        byte[] model = Files.readAllBytes(checkpoint.resolve(Checkpoint.MODEL_FILE));
        assertOneLineError(run(train(checkpoint, pairs, checkpoint, "--force")), "--out", "is the input --checkpoint");
        assertOneLineError(run(train(checkpoint, pairs, checkpoint.resolve("run"))), "lies inside the input");
        assertOneLineError(run(train(checkpoint, pairs, dir, "--force")), "contains the input");
        assertThat(Files.readAllBytes(checkpoint.resolve(Checkpoint.MODEL_FILE))).isEqualTo(model);
        assertThat(checkpoint.resolve("run")).doesNotExist();

        byte[] pairBytes = Files.readAllBytes(pairs);
        assertOneLineError(run("grad", "--checkpoint", checkpoint.toString(), "--pairs", pairs.toString(), "--out",
                pairs.toString(), "--threads", "1"), "is the input --pairs");
        assertThat(Files.readAllBytes(pairs)).isEqualTo(pairBytes);
        Path same = dir.resolve("both.jsonl");
        assertOneLineError(run("pairs", "--on-policy", same.toString(), "--human", same.toString()), "same file");
        assertThat(same).doesNotExist();
    }

    @Test
    void refusalsLeaveNothingBehindAndNameTheirCause() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path out = dir.resolve("run");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        Outcome emptyPairs = run(train(checkpoint, empty, out));
        assertThat(emptyPairs.code()).as(emptyPairs.err()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(emptyPairs.errorLines()).hasSize(1);
        assertThat(out).as("a refusal leaves no directory").doesNotExist();
        assertOneLineError(run(train(checkpoint, pairs, out, "--threads", "0")), "--threads");
        assertThat(out).doesNotExist();

        // NaN in one weight: refused at load, naming file, tensor and index
        Path nan = dir.resolve("nan");
        LoadedCheckpoint small = Checkpoint.load(checkpoint);
        double[] parameters = small.parameters().clone();
        parameters[5] = Double.NaN;
        Checkpoint.save(nan, small.config(), parameters);
        assertOneLineError(run(train(nan, pairs, out)), "model.safetensors", "tensor 'wte.weight' holds NaN at index 5");
        assertThat(out).doesNotExist();

        // a config claiming a far larger model than its weights file: refused before anything is allocated
        Path large = copyCheckpoint(checkpoint, dir.resolve("large"));
        String config = Files.readString(large.resolve("config.json"));
        Files.writeString(large.resolve("config.json"), config.replace("\"n_embd\": 16", "\"n_embd\": 9000"));
        assertOneLineError(run(train(large, pairs, out)), "parameters", "holds only");
        Path positions = copyCheckpoint(checkpoint, dir.resolve("positions"));
        Files.writeString(positions.resolve("config.json"), config.replace("\"n_positions\": 64",
                "\"n_positions\": 2000000000"));
        assertOneLineError(run(train(positions, pairs, out)), "parameters");
        assertOneLineError(run(List.of("-Xmx64m"), train(checkpoint, pairs, out, "--batch", "100000000")),
                "--batch 100000000 needs at least", "raise -Xmx");
        assertThat(out).doesNotExist();

        // inputs that are not readable regular files: the cause, in words
        assertOneLineError(run(train(checkpoint, dir.resolve("missing.jsonl"), out)), "does not exist");
        assertOneLineError(run(train(checkpoint, dir, out)), "is a directory");
        Path fifo = dir.resolve("fifo.jsonl");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertOneLineError(run(train(checkpoint, fifo, out)), "is a FIFO");
        }
        Path locked = Files.copy(pairs, dir.resolve("locked.jsonl"));
        Files.setPosixFilePermissions(locked, Set.of());
        if (!Files.isReadable(locked)) { // root reads anything
            assertOneLineError(run(train(checkpoint, locked, out)), "permission denied");
        }
        Path badUtf8 = Files.write(dir.resolve("prompts.txt"), new byte[] {'o', 'k', '\n', (byte) 0xC3, '(', '\n'});
        assertOneLineError(run("generate", "--checkpoint", checkpoint.toString(), "--prompts-file",
                badUtf8.toString(), "--threads", "1"), badUtf8 + ":2: not valid UTF-8");
        assertThat(out).doesNotExist();
    }

    @Test
    void filesGetTheUmasksPermissions() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path out = dir.resolve("run");
        Outcome trained = run(train(checkpoint, pairs, out));
        assertThat(trained.code()).as(trained.err()).isZero();
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x"); // what the umask gives here
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        for (Path file : List.of(out.resolve("config.json"), out.resolve(RunDirectory.MANIFEST),
                TrainingLoopFiles.finalModel(out, 6))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo(PosixFilePermissions.toString(expected));
        }
    }

    @Test
    void aFullDiskIsNamedInOneLine() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        Path mount = Files.createDirectories(dir.resolve("tmpfs"));
        Outcome probe = runCommand(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount -t tmpfs -o size=64k tmpfs " + mount + " && echo mounted"));
        assumeTrue(probe.code() == 0 && probe.out().contains("mounted"), "cannot mount a tmpfs here (needs "
                + "unprivileged user namespaces): " + probe.err().strip());
        List<String> command = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount -t tmpfs -o size=64k tmpfs \"$0\" && exec \"$@\"", mount.toString()));
        command.addAll(javaCommand());
        command.addAll(Arrays.asList(train(checkpoint, pairs, mount.resolve("run"), "--checkpoint-every", "1")));
        Outcome full = runCommand(command);
        assertOneLineError(full, "no space left on device");
    }

    @Test
    void aRunKilledAtAnyMomentAndResumedWritesTheUninterruptedBytes() throws Exception {
        Path checkpoint = Cli.smallCheckpoint(dir.resolve("model"));
        Path pairs = Cli.pairFile(dir.resolve("pairs.jsonl"));
        String[] settings = {"--steps", "12", "--resume-every", "2"};
        Path whole = dir.resolve("whole");
        Outcome uninterrupted = run(train(checkpoint, pairs, whole, settings));
        assertThat(uninterrupted.code()).as(uninterrupted.err()).isZero();

        // kill -9 after a few steps, and while a resume point is being written (writes pause 400 ms before
        // their rename, so the kill lands inside one)
        for (String moment : List.of("after-steps", "during-a-checkpoint-write")) {
            Path cut = dir.resolve("cut-" + moment);
            boolean duringWrite = moment.startsWith("during");
            Process process = start(List.of("-D" + AtomicFile.PAUSE_PROPERTY + "=" + (duringWrite ? 400 : 60)),
                    train(checkpoint, pairs, cut, settings));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && !(duringWrite ? resumeWriteInProgress(cut)
                    : lines(cut.resolve("metrics.jsonl")) >= 5)) {
                Thread.sleep(10);
            }
            process.destroyForcibly(); // SIGKILL
            process.waitFor(30, TimeUnit.SECONDS);
            assertThat(cut.resolve(RunDirectory.MARKER)).as(moment).exists();

            Outcome refused = run(train(checkpoint, pairs, cut, settings));
            assertOneLineError(refused, "holds an interrupted run", "--resume", "--force");
            Outcome resumed = run(train(checkpoint, pairs, cut, withArgs(settings, "--resume")));
            assertThat(resumed.code()).as(moment + ": " + resumed.err()).isZero();
            assertThat(Files.readAllBytes(cut.resolve("metrics.jsonl"))).as(moment)
                    .isEqualTo(Files.readAllBytes(whole.resolve("metrics.jsonl")));
            for (String file : List.of(Checkpoint.MODEL_FILE, Checkpoint.CONFIG_FILE)) {
                assertThat(Files.readAllBytes(TrainingLoopFiles.finalModel(cut, 12).resolveSibling(file))).as(file)
                        .isEqualTo(Files.readAllBytes(TrainingLoopFiles.finalModel(whole, 12).resolveSibling(file)));
            }
            assertThat(cut.resolve(RunDirectory.MARKER)).doesNotExist();
            assertThat(cut.resolve("resume")).doesNotExist();
            try (Stream<Path> walk = Files.walk(cut)) {
                assertThat(walk.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                        .as("orphan temporary files are removed").isEmpty();
            }
        }
    }

    private static boolean resumeWriteInProgress(Path run) throws IOException {
        Path resume = run.resolve("resume");
        if (!Files.isDirectory(resume)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(resume)) {
            return walk.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        } catch (java.io.UncheckedIOException e) {
            return false; // a file vanished while listing: a rename happened
        }
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
    }

    private static String[] withArgs(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    private static Path copyCheckpoint(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    /** Where {@code train} puts θ(T). */
    static final class TrainingLoopFiles {
        static Path finalModel(Path run, long steps) {
            return prefdyn.reference.train.TrainingLoop.checkpointDirectory(run, steps).resolve(Checkpoint.MODEL_FILE);
        }
    }
}
