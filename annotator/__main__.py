from annotator.cli.main import main

if __name__ == "__main__":  # worker processes (spawned) import this module too
    main()
