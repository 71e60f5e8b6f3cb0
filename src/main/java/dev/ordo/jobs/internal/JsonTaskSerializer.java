package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.serializer.Serializer;
import tools.jackson.databind.json.JsonMapper;

/** Job payloads are stored as JSON, readable in the table and stable across code changes. */
final class JsonTaskSerializer implements Serializer {

    private final JsonMapper json;

    JsonTaskSerializer(JsonMapper json) {
        this.json = json;
    }

    @Override
    public byte[] serialize(Object data) {
        return data == null ? null : json.writeValueAsBytes(data);
    }

    @Override
    public <T> T deserialize(Class<T> type, byte[] data) {
        if (data == null || type == Void.class) {
            return null;
        }
        return json.readValue(data, type);
    }
}
