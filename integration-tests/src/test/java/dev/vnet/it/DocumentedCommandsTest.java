package dev.vnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vnet.bench.Bench;
import dev.vnet.cli.VnetCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every {@code bin/vnet} command and {@code --flag} that the README and docs/CLI.md name exists: the CLI's commands
 * and bench are checked against their picocli models, the processes ({@code network}, {@code agent}, {@code up})
 * against the usage {@code bin/vnet COMMAND --help} prints.
 */
class DocumentedCommandsTest {

    private static final Path ROOT = Path.of(System.getProperty("vnet.root", "..")).toAbsolutePath().normalize();
    /** A mention: "bin/vnet" and what follows up to the end of its code span, line or shell comment. */
    private static final Pattern MENTION = Pattern.compile("bin/vnet((?: [^`\\n#]*)?)");
    private static final Pattern FLAG = Pattern.compile("^\\[*(--[a-z][a-z-]*)");
    private static final Set<String> PROCESSES = Set.of("network", "agent", "up");
    private static final Set<String> OTHERS = Set.of("build", "help");

    @Test
    void everyCommandAndFlagTheDocsNameExists() throws Exception {
        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (String doc : List.of("README.md", "docs/CLI.md")) {
            Matcher mention = MENTION.matcher(Files.readString(ROOT.resolve(doc)));
            while (mention.find()) {
                collect(mention.group(1).trim(), named);
            }
        }
        assertThat(named).as("mentions found").containsKeys("up", "agents", "get", "request", "network", "agent");

        CommandLine cli = new CommandLine(new VnetCli());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> command : named.entrySet()) {
            String name = command.getKey();
            if (PROCESSES.contains(name)) {
                // --help itself is proven by shellUsage, which runs it and wants exit 0.
                String usage = shellUsage(name);
                command.getValue().stream().filter(flag -> !flag.equals("--help") && !usage.contains(flag))
                        .forEach(flag -> missing.add("bin/vnet " + name + " " + flag));
            } else if (name.isEmpty() || name.equals("bench") || cli.getSubcommands().containsKey(name)) {
                CommandSpec spec = name.isEmpty() ? cli.getCommandSpec()
                        : name.equals("bench") ? new CommandLine(new Bench()).getCommandSpec()
                        : cli.getSubcommands().get(name).getCommandSpec();
                command.getValue().stream().filter(flag -> spec.findOption(flag) == null)
                        .forEach(flag -> missing.add("bin/vnet " + name + " " + flag));
            } else if (!OTHERS.contains(name)) {
                missing.add("bin/vnet " + name);
            }
        }
        assertThat(missing).as("commands and flags the docs name that bin/vnet does not have").isEmpty();
    }

    /** The command of one mention ("" for the top level, as in "bin/vnet --help") and its flags. */
    private static void collect(String words, Map<String, Set<String>> named) {
        String command = null;
        for (String word : words.split("\\s+")) {
            Matcher flag = FLAG.matcher(word);
            if (flag.find()) {
                named.computeIfAbsent(command == null ? "" : command, c -> new LinkedHashSet<>()).add(flag.group(1));
            } else if (command == null && word.matches("[a-z][a-z-]*")) {
                command = word;
                named.computeIfAbsent(command, c -> new LinkedHashSet<>());
            } else if (command == null) {
                return;
            }
        }
    }

    private static String shellUsage(String command) throws IOException, InterruptedException {
        Process help = new ProcessBuilder(ROOT.resolve("bin/vnet").toString(), command, "--help")
                .redirectErrorStream(true).start();
        String usage = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).as("bin/vnet " + command + " --help ends").isTrue();
        assertThat(help.exitValue()).as("bin/vnet " + command + " --help: " + usage).isZero();
        return usage;
    }
}
