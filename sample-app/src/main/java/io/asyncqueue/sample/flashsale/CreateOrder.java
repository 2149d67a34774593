package io.asyncqueue.sample.flashsale;

import java.time.Instant;

/**
 * The payload of {@link CreateOrderJob}: a unit of stock the Lua script reserved for a user.
 *
 * @param item the item's id
 * @param user the buyer's id
 * @param requestedAt when the reservation was made
 */
public record CreateOrder(String item, String user, Instant requestedAt) {
}
