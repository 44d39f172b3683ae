package prefdyn.cli.command;

import prefdyn.cli.Main;
import prefdyn.reference.checkpoint.Checkpoint;
import prefdyn.reference.engine.ReferenceEngine;
import prefdyn.reference.model.GptConfig;
import prefdyn.reference.tokenizer.ByteTokenizer;
import prefdyn.reference.util.Parallel;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the CLI in-process and captures what it prints; builds the small test model. */
final class Cli {

    /** Exit code, stdout and stderr of one run. */
    record Result(int code, String out, String err) {

        /** The non-blank lines of stderr. */
        List<String> errorLines() {
            return err.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /** A byte-level model small enough for fast tests: V = 257, T = 64, one block of width 16. */
    static final GptConfig SMALL = new GptConfig(ByteTokenizer.VOCAB_SIZE, 64, 1, 2, 16, false, false);

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Saves a seeded, untrained {@link #SMALL} model as a checkpoint directory. */
    static Path smallCheckpoint(Path directory) throws IOException {
        try (Parallel parallel = new Parallel(1)) {
            ReferenceEngine engine = ReferenceEngine.initialized(SMALL, 3, parallel);
            double[] parameters = new double[engine.layout().size()];
            engine.copyParametersTo(parameters);
            Checkpoint.save(directory, SMALL, parameters);
        }
        return directory;
    }

    /** A small TRL pair file. */
    static Path pairFile(Path file) throws IOException {
        Files.writeString(file, """
                {"prompt": "This movie was", "chosen": " wonderful, I loved it.", "rejected": " awful and boring."}
                {"prompt": "The acting", "chosen": " is superb.", "rejected": " is terrible."}
                {"prompt": "I expected", "chosen": " a good film and got a great one.", "rejected": " nothing and got less."}
                {"prompt": "Honestly,", "chosen": " a delight from start to end.", "rejected": " a waste of time."}
                """);
        return file;
    }
}
