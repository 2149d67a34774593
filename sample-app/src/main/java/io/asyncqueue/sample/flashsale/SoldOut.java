package io.asyncqueue.sample.flashsale;

import java.time.Instant;

/**
 * The payload of the sold-out notice: the purchase that took an item's last unit pushes it, so there is one
 * per sale.
 * @param item the item's id
 * @param at when its last unit was taken
 */
public record SoldOut(String item, Instant at) {
}
