package prefdyn.reference.dynamics;

import prefdyn.reference.data.PromptResponse;
import prefdyn.reference.engine.PolicyEngine;
import prefdyn.reference.sampling.Sampler;
import prefdyn.reference.sampling.SamplingSettings;
import prefdyn.reference.util.JsonFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * D′, the "final responses" of the paper's G metric: what the <em>final</em> policy θ(T) generates for held-out
 * prompts x′. The paper does not say how D′ is built; prefdyn's default is greedy decoding (the AlpacaEval
 * protocol the paper's evaluation follows), with sampling and the number of prompts configurable.
 */
public final class FinalResponses {

    private FinalResponses() {
    }

    /** Generates y′ for each prompt with the final policy. */
    public static List<PromptResponse> generate(PolicyEngine finalPolicy, List<int[]> prompts,
                                                SamplingSettings sampling, long seed) {
        List<int[]> responses = Sampler.generate(finalPolicy, prompts, sampling, seed);
        List<PromptResponse> targets = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            targets.add(new PromptResponse(prompts.get(i), responses.get(i)));
        }
        return targets;
    }

    /**
     * Writes D′ as JSON lines {@code {"prompt_ids": [...], "response_ids": [...]}}, atomically (temp file, rename).
     */
    public static void save(List<PromptResponse> targets, Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (PromptResponse target : targets) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("prompt_ids", target.prompt());
            line.put("response_ids", target.response());
            text.append(JsonFiles.write(line)).append('\n');
        }
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Reads a D′ file written by {@link #save}; a bad line is reported with its number, nothing half-loaded. */
    public static List<PromptResponse> load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<PromptResponse> targets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                Map<String, Object> line = JsonFiles.parseObject(lines.get(i));
                targets.add(new PromptResponse(ids(line, "prompt_ids"), ids(line, "response_ids")));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return targets;
    }

    private static int[] ids(Map<String, Object> line, String field) {
        if (!(line.get(field) instanceof List<?> list)) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an array of token ids");
        }
        int[] ids = new int[list.size()];
        for (int k = 0; k < ids.length; k++) {
            if (!(list.get(k) instanceof Long id)) {
                throw new IllegalArgumentException("field \"" + field + "\"[" + k + "] must be an integer token id");
            }
            ids[k] = Math.toIntExact(id);
        }
        return ids;
    }
}
