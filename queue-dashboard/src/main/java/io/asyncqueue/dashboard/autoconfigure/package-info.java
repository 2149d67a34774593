/**
 * Auto-configuration of the dashboard: off unless enabled, read-only unless writes are enabled, secured by
 * Spring Security when it is on the classpath.
 */
@NullMarked
package io.asyncqueue.dashboard.autoconfigure;

import org.jspecify.annotations.NullMarked;
