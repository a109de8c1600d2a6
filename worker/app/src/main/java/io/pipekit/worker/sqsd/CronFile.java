package io.pipekit.worker.sqsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pipekit.worker.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a Beanstalk {@code cron.yaml}:
 * <pre>
 * version: 1
 * cron:
 *   - name: "backup-job"
 *     url: "/backup"
 *     schedule: "0 3 * * *"
 * </pre>
 * Every problem is a {@link ConfigException} on {@code PIPEKIT_SQSD_CRON_FILE} naming the entry.
 */
final class CronFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String VARIABLE = SqsdConfig.CRON_FILE;

    private CronFile() {
    }

    static List<CronTask> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(VARIABLE, "cannot read " + file + " (" + e + ")", "Mount the cron.yaml into the container or unset the variable");
        }
        return parse(text);
    }

    static List<CronTask> parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(VARIABLE, "is not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")", null);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(VARIABLE, "must be a YAML mapping with version and cron", null);
        }
        if (!root.path("version").asText().equals("1")) {
            throw new ConfigException(VARIABLE, "version must be 1, was '" + root.path("version").asText() + "'", null);
        }
        JsonNode entries = root.path("cron");
        if (!entries.isArray()) {
            throw new ConfigException(VARIABLE, "cron must be a list of tasks (name, url, schedule)", null);
        }
        List<CronTask> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode entry : entries) {
            String where = "cron[" + index++ + "]";
            String name = required(entry, "name", where);
            String url = required(entry, "url", where);
            String schedule = required(entry, "schedule", where);
            if (!names.add(name)) {
                throw new ConfigException(VARIABLE, where + ": task name '" + name + "' is used twice", "Task names must be unique");
            }
            if (!HeaderValues.isValid(name)) {
                throw new ConfigException(VARIABLE, where + ": task name '" + name + "' cannot be sent as a header", null);
            }
            CronExpression expression;
            try {
                expression = CronExpression.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(VARIABLE, where + " (" + name + "): " + e.getMessage(), null);
            }
            tasks.add(new CronTask(name, url, expression));
        }
        return List.copyOf(tasks);
    }

    private static String required(JsonNode entry, String field, String where) {
        JsonNode value = entry.path(field);
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw new ConfigException(VARIABLE, where + ": '" + field + "' is missing", "Each task needs name, url and schedule");
        }
        return value.asText().trim();
    }
}
