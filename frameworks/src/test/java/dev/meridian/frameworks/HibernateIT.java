package dev.meridian.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.meridian.hibernate.MeridianDialect;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleObjectStateException;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate ORM 7 with {@link MeridianDialect} over a HikariCP pool: the schema created by
 * Hibernate itself, identity and sequence identifiers, JPQL with LIKE (Hibernate adds {@code
 * ESCAPE ''}), paging, optimistic locking with {@code @Version}, java.time attributes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HibernateIT {

  @Entity
  @Table(name = "customers")
  public static class Customer {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(nullable = false, length = 80)
    String name;

    LocalDateTime joined;

    boolean active;

    @Version
    int version;

    public Customer() {}

    Customer(String name, LocalDateTime joined, boolean active) {
      this.name = name;
      this.joined = joined;
      this.active = active;
    }
  }

  @Entity
  @Table(name = "purchases")
  public static class Purchase {
    @Id
    @GeneratedValue
    Long id;

    long customerId;

    @Column(precision = 12, scale = 2)
    BigDecimal total;

    LocalDate placed;

    public Purchase() {}

    Purchase(long customerId, BigDecimal total, LocalDate placed) {
      this.customerId = customerId;
      this.total = total;
      this.placed = placed;
    }
  }

  @TempDir static Path work;
  static RunningNode node;
  static HikariDataSource pool;
  static SessionFactory sessions;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start(work);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(node.url());
    config.setDriverClassName("dev.meridian.jdbc.Driver");
    config.setMaximumPoolSize(4);
    pool = new HikariDataSource(config);
    Configuration configuration = new Configuration()
        .addAnnotatedClass(Customer.class)
        .addAnnotatedClass(Purchase.class)
        .setProperty(AvailableSettings.DIALECT, MeridianDialect.class.getName())
        .setProperty(AvailableSettings.HBM2DDL_AUTO, "create");
    configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
    sessions = configuration.buildSessionFactory();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sessions != null) {
      sessions.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void persistManyThenQueryThemAllWithJpqlLikeAndPaging() {
    sessions.inTransaction(s -> {
      for (int i = 0; i < 150; i++) {
        s.persist(new Customer("customer %03d".formatted(i), LocalDateTime.of(2024, 5, 1, 12, 0).plusMinutes(i), i % 2 == 0));
      }
    });
    List<Customer> all = sessions.fromTransaction(s ->
        s.createSelectionQuery("from HibernateIT$Customer c where c.name like :p order by c.name", Customer.class)
            .setParameter("p", "customer%")
            .getResultList());
    assertThat(all).hasSize(150);
    assertThat(all.get(149).name).isEqualTo("customer 149");
    assertThat(all.get(149).joined).isEqualTo(LocalDateTime.of(2024, 5, 1, 12, 0).plusMinutes(149));
    List<String> page = sessions.fromTransaction(s ->
        // Only this test's customers: the other tests' rows would shift the page.
        s.createSelectionQuery("select c.name from HibernateIT$Customer c where c.active and c.name like 'customer%'"
                + " order by c.name desc", String.class)
            .setFirstResult(3)
            .setMaxResults(2)
            .getResultList());
    assertThat(page).containsExactly("customer 142", "customer 140");
  }

  @Test
  void sequenceIdentifiersAndDecimalsRoundTrip() {
    List<Long> ids = sessions.fromTransaction(s -> {
      Purchase a = new Purchase(1, new BigDecimal("12.50"), LocalDate.of(2024, 2, 29));
      Purchase b = new Purchase(1, new BigDecimal("0.99"), LocalDate.of(2024, 3, 1));
      s.persist(a);
      s.persist(b);
      return List.of(a.id, b.id);
    });
    assertThat(ids.get(0)).isNotEqualTo(ids.get(1));
    Purchase read = sessions.fromTransaction(s -> s.find(Purchase.class, ids.get(0)));
    assertThat(read.total).isEqualByComparingTo("12.50");
    assertThat(read.placed).isEqualTo(LocalDate.of(2024, 2, 29));
  }

  /** Whether {@code failure} comes from SQLSTATE 40001 somewhere in its causes. */
  private static boolean serializationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && "40001".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aStaleVersionFailsTheSecondWriter() {
    long id = sessions.fromTransaction(s -> {
      Customer c = new Customer("versioned", LocalDateTime.of(2024, 1, 1, 0, 0), true);
      s.persist(c);
      return c.id;
    });
    try (Session first = sessions.openSession(); Session second = sessions.openSession()) {
      first.beginTransaction();
      second.beginTransaction();
      Customer mine = first.find(Customer.class, id);
      Customer theirs = second.find(Customer.class, id);
      mine.name = "first";
      first.getTransaction().commit();
      theirs.name = "second";
      // Either Hibernate's version check sees the stale version at flush, or — Meridian validates
      // reads optimistically, and the second writer read version 0 in its snapshot — the commit
      // itself fails with 40001. Both leave the first writer's value.
      assertThatThrownBy(() -> second.getTransaction().commit())
          .satisfies(e -> assertThat(e instanceof OptimisticLockException || e instanceof StaleObjectStateException
              || e instanceof org.hibernate.StaleStateException || serializationFailure(e))
              .as("stale write refused: %s", e).isTrue());
    }
    Customer now = sessions.fromTransaction(s -> s.find(Customer.class, id));
    assertThat(now.name).isEqualTo("first");
    assertThat(now.version).isEqualTo(1);
  }
}
