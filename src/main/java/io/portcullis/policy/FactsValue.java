package io.portcullis.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.values.StructValue;
import java.util.Map;
import java.util.Optional;

/**
 * {@code principal}, {@code tool} and {@code session} as CEL struct values. Handed to CEL as
 * plain maps they would be walked and re-checked by CEL's value converter on every field access
 * of every rule; as a struct value CEL selects the field directly. That was a third of the time
 * of a decision in the benchmark. The fields are the ones {@link Conditions} declares, so the
 * type checker has already refused any other name.
 */
final class FactsValue extends StructValue<String, Map<String, Object>> {
    private final CelType type;
    private final Map<String, Object> fields;

    FactsValue(CelType type, Map<String, Object> fields) {
        this.type = type;
        this.fields = fields;
    }

    @Override
    public Object select(String field) {
        Object v = fields.get(field);
        if (v == null) {
            throw new IllegalArgumentException("no field '" + field + "' on " + type.name());
        }
        return v;
    }

    @Override
    public Optional<Object> find(String field) {
        return Optional.ofNullable(fields.get(field));
    }

    @Override
    public Map<String, Object> value() {
        return fields;
    }

    @Override
    public boolean isZeroValue() {
        return fields.isEmpty();
    }

    @Override
    public CelType celType() {
        return type;
    }
}
