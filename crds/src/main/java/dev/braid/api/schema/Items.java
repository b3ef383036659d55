package dev.braid.api.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Constraints on each string of a {@code List<String>} field: a length bound (which also keeps CEL
 * cost estimates within the API server's budget) and a CEL rule evaluated per item, so a rejection
 * names the offending index.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Items {
  /** Longest allowed item. */
  int maxLength();

  /** CEL rule with {@code self} bound to one item; empty for none. */
  String rule() default "";

  /** Message shown when {@link #rule()} fails. */
  String message() default "";
}
