package dev.ordo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/** Ordo: an order management system. See README.md for a tour of the modules. */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class OrdoApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdoApplication.class, args);
    }
}
