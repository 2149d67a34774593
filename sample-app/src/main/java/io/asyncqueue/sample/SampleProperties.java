package io.asyncqueue.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample's own settings, under {@code sample.*} in application.yml.
 *
 * @param items the items on sale, by id
 * @param seckill the flash sale's gate
 * @param orders order creation, including the failures it can simulate
 * @param demo the built-in load driver
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue Map<String, Item> items, @DefaultValue Seckill seckill, @DefaultValue Orders orders,
		@DefaultValue Demo demo) {

	/**
	 * An item on sale.
	 *
	 * @param name its display name
	 * @param price what one unit costs
	 * @param stock how many units are for sale when the application starts with an empty Redis or when the
	 * item is reset
	 */
	public record Item(String name, @DefaultValue("0") BigDecimal price, @DefaultValue("100") int stock) {
	}

	/**
	 * The flash sale's gate (the Lua script).
	 *
	 * @param rateLimit most purchase attempts one user may make per window; later ones get 429
	 * @param rateWindow the rate limit's window
	 */
	public record Seckill(@DefaultValue("2") int rateLimit, @DefaultValue("1s") Duration rateWindow) {
	}

	/**
	 * Order creation, and the failures it can simulate to show retries.
	 *
	 * @param failingUserPrefix users whose id starts with this get an order creation that always fails, so
	 * their job is retried per the queue's backoff and ends in {@code failed}; empty for none
	 * @param crashAfterInsertRate the share of first attempts that throw right after the order row was
	 * written, as if the process had died before acknowledging the job (seed 004's open question); the retry
	 * finds the order and creates no second one
	 * @param delay how long creating an order takes, to make the queue visible
	 */
	public record Orders(@DefaultValue("fail-") String failingUserPrefix,
			@DefaultValue("0") double crashAfterInsertRate, @DefaultValue("0ms") Duration delay) {
	}

	/**
	 * The load driver.
	 *
	 * @param enabled run it when the application has started (the {@code demo} profile turns it on)
	 * @param path {@code seckill} (the Lua script and the orders queue) or {@code limit-queue} (seed 000)
	 * @param item the item to sell
	 * @param stock the stock to reset the item to before firing
	 * @param attempts how many purchase attempts to fire
	 * @param users how many distinct users fire them
	 * @param concurrency how many requests are in flight at once
	 * @param failingUsers how many of the first attempts come from users whose order creation always fails
	 * @param drainTimeout how long to wait for the queue to finish after the last attempt
	 * @param exit stop the application when the report is printed, with exit code 1 on a broken promise
	 */
	public record Demo(@DefaultValue("false") boolean enabled, @DefaultValue("seckill") String path,
			@DefaultValue("dove-200g") String item, @DefaultValue("100") int stock,
			@DefaultValue("5000") int attempts, @DefaultValue("1000") int users,
			@DefaultValue("64") int concurrency, @DefaultValue("0") int failingUsers,
			@DefaultValue("60s") Duration drainTimeout, @DefaultValue("true") boolean exit) {
	}

}
