package io.asyncqueue.sample.flashsale;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.asyncqueue.core.PushResult;
import io.asyncqueue.sample.flashsale.Purchase.Outcome;
import io.asyncqueue.spring.QueueTemplate;

/**
 * The HTTP API. Every purchase is answered at once; the order is created by a job.
 *
 * <pre>
 * POST /seckill/{item}?user=…       the flash sale: 202 queued, 410 sold out, 409 already bought, 429 rate limited
 * POST /limit-queue/{item}?user=…   seed 000's serial queue: 202 queued (the job decides)
 * GET  /items                       every item's stock and orders
 * GET  /items/{item}                one item's stock and orders
 * GET  /items/{item}/orders         its orders, oldest first
 * POST /items/{item}/reset?stock=…  a fresh sale: deletes the item's orders and resets its stock (demo only)
 * </pre>
 */
@RestController
public class ShopController {

	private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

	private final FlashSale flashSale;

	private final Catalog catalog;

	private final Orders orders;

	private final QueueTemplate queue;

	public ShopController(FlashSale flashSale, Catalog catalog, Orders orders, QueueTemplate queue) {
		this.flashSale = flashSale;
		this.catalog = catalog;
		this.orders = orders;
		this.queue = queue;
	}

	@PostMapping("/seckill/{item}")
	public ResponseEntity<Purchase> seckill(@PathVariable String item, @RequestParam String user) {
		Purchase purchase = this.flashSale.buy(item, validUser(user));
		ResponseEntity.BodyBuilder response = ResponseEntity.status(purchase.outcome().status());
		if (purchase.retryAfterMillis() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (purchase.retryAfterMillis() + 999) / 1000)));
		}
		return response.body(purchase);
	}

	@PostMapping("/limit-queue/{item}")
	public ResponseEntity<Purchase> limitQueue(@PathVariable String item, @RequestParam String user) {
		find(item);
		PushResult pushed = this.queue.push(LimitQueueOrderJob.class,
				new LimitQueuePurchase(item, validUser(user), Instant.now()));
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(new Purchase(Outcome.QUEUED, item, user, pushed.id(), null, null));
	}

	@GetMapping("/items")
	public List<ItemView> items() {
		return this.catalog.items().stream().map(this.catalog::view).toList();
	}

	@GetMapping("/items/{item}")
	public ItemView item(@PathVariable("item") String id) {
		return this.catalog.view(find(id));
	}

	@GetMapping("/items/{item}/orders")
	public List<Order> orders(@PathVariable String item, @RequestParam(defaultValue = "1000") int limit) {
		return this.orders.findByItem(find(item).id(), Math.max(1, Math.min(limit, 10_000)));
	}

	@PostMapping("/items/{item}/reset")
	public ItemView reset(@PathVariable("item") String id, @RequestParam(required = false) Integer stock) {
		Item item = find(id);
		this.catalog.reset(item, (stock != null) ? Math.max(0, stock) : item.stock());
		return this.catalog.view(item);
	}

	private Item find(String id) {
		return this.catalog.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No item '" + id + "' on sale"));
	}

	private static String validUser(String user) {
		if (!USER_ID.matcher(user).matches()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"user must be 1 to 64 letters, digits or _.@-");
		}
		return user;
	}

}
