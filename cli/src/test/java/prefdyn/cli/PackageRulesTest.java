package prefdyn.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rule of the command line's packages, read from the sources: each package's
 * {@code package-info.java} names, after "May use:", the prefdyn.cli packages its classes may import; every import
 * (and fully qualified use) of a prefdyn.cli class in main code must be one of those, and the allowed uses form no
 * cycle.
 */
class PackageRulesTest {

    private static final Path SOURCES = Path.of("src/main/java/prefdyn/cli");
    private static final Pattern USE = Pattern.compile("\\b(prefdyn\\.cli(?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern ALLOWED = Pattern.compile("\\{@code (prefdyn\\.cli(?:\\.[a-z]\\w*)*)}");

    @Test
    void everyPackageSaysWhatItMayUseAndUsesNothingElse() throws IOException {
        Map<String, Set<String>> allowed = allowedUses();
        Map<String, Set<String>> used = actualUses();
        assertThat(used.keySet()).as("packages with sources").isNotEmpty();
        assertThat(allowed.keySet()).as("every package has a package-info.java with a 'May use:' paragraph")
                .containsAll(used.keySet());
        for (Map.Entry<String, Set<String>> entry : used.entrySet()) {
            assertThat(entry.getValue()).as("prefdyn.cli packages used by " + entry.getKey())
                    .isSubsetOf(allowed.get(entry.getKey()));
        }
        assertThat(cycle(allowed)).as("a cycle among the allowed uses").isEmpty();
    }

    @Test
    void theCycleFinderFindsACycleAndOnlyACycle() {
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a")))).containsExactly("a", "b", "c");
        assertThat(cycle(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of()))).isEmpty();
    }

    /** Package name to the prefdyn.cli packages its package-info allows, after "May use:". */
    private static Map<String, Set<String>> allowedUses() throws IOException {
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (Path info : files().stream().filter(file -> file.endsWith("package-info.java")).toList()) {
            String text = Files.readString(info);
            int mayUse = text.indexOf("May use:");
            assertThat(mayUse).as(info + " has a 'May use:' paragraph").isNotNegative();
            Set<String> packages = new TreeSet<>();
            Matcher matcher = ALLOWED.matcher(text.substring(mayUse, text.indexOf("*/", mayUse)));
            while (matcher.find()) {
                packages.add(matcher.group(1));
            }
            allowed.put(packageOf(text), packages);
        }
        return allowed;
    }

    /** Package name to the other prefdyn.cli packages its classes import or name in code. */
    private static Map<String, Set<String>> actualUses() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path file : files()) {
            if (file.endsWith("package-info.java")) {
                continue;
            }
            String text = Files.readString(file);
            String own = packageOf(text);
            Set<String> packages = used.computeIfAbsent(own, key -> new TreeSet<>());
            Matcher matcher = USE.matcher(code(text));
            while (matcher.find()) {
                if (!matcher.group(1).equals(own)) {
                    packages.add(matcher.group(1));
                }
            }
        }
        return used;
    }

    /** The source without comments, string literals and its package line. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceFirst("(?m)^package [\\w.]+;", "");
    }

    private static String packageOf(String source) {
        Matcher matcher = Pattern.compile("(?m)^package ([\\w.]+);").matcher(source);
        assertThat(matcher.find()).as("a package line").isTrue();
        return matcher.group(1);
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            return walk.filter(file -> file.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** One cycle of the graph as its nodes in order from the smallest, or empty when there is none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            Deque<String> path = new ArrayDeque<>();
            List<String> found = visit(start, graph, path, new HashSet<>(), done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Deque<String> path,
                                      Set<String> onPath, Set<String> done) {
        if (onPath.contains(node)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String step : path) {
                in |= step.equals(node);
                if (in) {
                    cycle.add(step);
                }
            }
            return cycle;
        }
        if (!done.add(node)) {
            return List.of();
        }
        path.addLast(node);
        onPath.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            List<String> found = visit(next, graph, path, onPath, done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.removeLast();
        onPath.remove(node);
        return List.of();
    }
}
