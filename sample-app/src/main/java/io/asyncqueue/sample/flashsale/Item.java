package io.asyncqueue.sample.flashsale;

import java.math.BigDecimal;

/**
 * An item on sale, as configured under {@code sample.items}.
 *
 * @param id its id, used in URLs and Redis keys
 * @param name its display name
 * @param price what one unit costs
 * @param stock how many units it starts with
 */
public record Item(String id, String name, BigDecimal price, int stock) {
}
