package io.asyncqueue.core.scripts;

import io.asyncqueue.core.ReloadResult;

/**
 * What one call of the reload script did.
 *
 * @param result the jobs it moved and the ones it left parked
 * @param examined how many parked ids it looked at (0: nothing left to look at)
 * @since 0.2.0
 */
public record ReloadChunk(ReloadResult result, long examined) {
}
