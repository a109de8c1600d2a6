package io.pipekit.worker.main;

import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.config.ConfigException;
import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/** Instantiates the {@code PIPEKIT_HANDLER} class (public, with a public no-argument constructor). */
final class HandlerLoader {

    static final String VARIABLE = "PIPEKIT_HANDLER";

    private HandlerLoader() {
    }

    static MessageHandler load(Optional<String> className) {
        if (className.isEmpty()) {
            return new LoggingHandler();
        }
        String name = className.get();
        Class<?> type;
        try {
            type = Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(VARIABLE, "class " + name + " is not on the classpath",
                    "Check the spelling and that its jar is in the image");
        }
        if (!MessageHandler.class.isAssignableFrom(type)) {
            throw new ConfigException(VARIABLE, name + " does not implement " + MessageHandler.class.getName(), null);
        }
        try {
            return (MessageHandler) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new ConfigException(VARIABLE, name + " has no public no-argument constructor", null);
        } catch (InvocationTargetException e) {
            throw new ConfigException(VARIABLE, name + "'s constructor threw " + e.getCause(), null);
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(VARIABLE, "cannot instantiate " + name + ": " + e, null);
        }
    }
}
