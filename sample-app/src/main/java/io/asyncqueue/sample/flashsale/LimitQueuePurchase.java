package io.asyncqueue.sample.flashsale;

import java.time.Instant;

/**
 * The payload of {@link LimitQueueOrderJob}: a purchase attempt not checked yet (seed 000 checks the stock
 * in the job).
 *
 * @param item the item's id
 * @param user the buyer's id
 * @param requestedAt when the attempt was made
 */
public record LimitQueuePurchase(String item, String user, Instant requestedAt) {
}
