/**
 * Auto-configuration of Micrometer Observation for async-queue.
 */
@NullMarked
package io.asyncqueue.spring.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
