package prefdyn.cli.generate;

import prefdyn.cli.base.TextFiles;
import prefdyn.cli.base.UserError;
import prefdyn.cli.task.ImdbTask;

import java.util.ArrayList;
import java.util.List;

/** The prompts of {@code prefdyn generate}: those given, then the file's lines, then the IMDb openings. */
final class PromptTexts {

    private PromptTexts() {
    }

    /** Every prompt {@code settings} names, in that order; refuses none at all. */
    static List<String> collect(GenerateSettings settings) {
        List<String> texts = new ArrayList<>();
        if (settings.prompts().given() != null) {
            texts.addAll(settings.prompts().given());
        }
        if (settings.prompts().file() != null) {
            for (String line : TextFiles.readLines(settings.prompts().file(), "prompts file")) {
                if (!line.isBlank()) {
                    texts.add(line);
                }
            }
        }
        ImdbTask task = ImdbTask.get();
        Integer imdb = settings.prompts().imdb();
        if (imdb != null) {
            if (imdb < 1) {
                throw new UserError("--imdb must be at least 1, got " + imdb);
            }
            texts.addAll(task.evaluationPrompts(imdb, 778));
        }
        if (texts.isEmpty()) {
            throw new UserError("no prompt: give --prompt TEXT, --prompts-file FILE or --imdb N");
        }
        return texts;
    }
}
